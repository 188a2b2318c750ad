package server

import (
	"embed"
	"mime"
	"net/http"
	"path"
	"regexp"
)

// web holds the page: plain HTML, CSS and JavaScript, no build step.
//
//go:embed web/index.html web/app.js web/style.css
var web embed.FS

//go:embed openapi.json
var openAPIDoc []byte

// pageCSP keeps the page to its own scripts and styles and the API.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func (s *Server) page(w http.ResponseWriter, c *call) error {
	b, err := web.ReadFile("web/index.html")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Security-Policy", pageCSP)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(b)
	return nil
}

var assetName = regexp.MustCompile(`^[a-z]+\.(js|css)$`)

func (s *Server) asset(w http.ResponseWriter, c *call) error {
	name := c.r.PathValue("name")
	b, err := web.ReadFile("web/" + name)
	if !assetName.MatchString(name) || err != nil || name == "index.html" {
		s.writeError(w, c.r, http.StatusNotFound, notFoundBody("no such asset: "+name))
		return nil
	}
	w.Header().Set("Content-Security-Policy", pageCSP)
	w.Header().Set("Content-Type", mime.TypeByExtension(path.Ext(name)))
	w.Write(b)
	return nil
}

func (s *Server) openAPI(w http.ResponseWriter, c *call) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(openAPIDoc)
	return nil
}
